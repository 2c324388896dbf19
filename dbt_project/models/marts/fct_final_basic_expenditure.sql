-- 决算 一般公共预算财政拨款基本支出决算表: basic spending from the general public budget by
-- government economic code (类, 款) as printed, and its 人员经费 and 公用经费 totals.

with documents as (
    select document_id, fiscal_year, department_name
    from {{ ref('int_final_accounts') }}
),

lines as (
    select * from {{ ref('stg_final_basic_expenditure') }}
)

select
    documents.fiscal_year,
    documents.department_name,
    lines.document_id,
    case lines.line_type
        when 'personnel_total' then 'personnel_total'
        when 'public_use_total' then 'public_use_total'
        else case length(lines.econ_code) when 3 then 'category' else 'subcategory' end
    end as level,
    coalesce(lines.econ_code, lines.line_type) as econ_code,
    lines.econ_name,
    'executed' as phase,
    coalesce(lines.amount, 0) as amount,
    lines.source_line,
    lines.source_page
from lines
inner join documents on lines.document_id = documents.document_id
