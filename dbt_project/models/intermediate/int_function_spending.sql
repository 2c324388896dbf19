-- Spending by function code as printed, per department and year, in both fund scopes:
-- all funds (03 支出总表) and the general public budget (05 一般公共预算支出表).

with years as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

all_funds as (
    select document_id, function_code, total from {{ ref('stg_expenditure') }}
),

general_public_budget as (
    select document_id, function_code, total from {{ ref('int_general_budget_by_function') }}
),

combined as (
    select document_id, 'all_funds' as scope, function_code, total from all_funds
    union all
    select document_id, 'general_public_budget', function_code, total from general_public_budget
)

select
    years.department_key,
    years.fiscal_year,
    combined.scope,
    'function' as classification,
    combined.function_code as code,
    sum(coalesce(combined.total, 0)) as amount
from combined
inner join years on years.document_id = combined.document_id
group by all
