-- All spending (03 支出总表) by economic code as printed, per department and year, in both
-- economic classifications: government (政府预算) and department (部门预算).

with years as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

expenditure as (
    select document_id, gov_econ_code, dept_econ_code, total from {{ ref('stg_expenditure') }}
),

combined as (
    select
        document_id, 'government' as scope, 'government_economic' as classification,
        gov_econ_code as code, total
    from expenditure
    union all
    select document_id, 'department', 'department_economic', dept_econ_code, total
    from expenditure
)

select
    years.department_key,
    years.fiscal_year,
    combined.scope,
    combined.classification,
    combined.code,
    sum(coalesce(combined.total, 0)) as amount
from combined
inner join years on years.document_id = combined.document_id
where combined.code is not null
group by all
