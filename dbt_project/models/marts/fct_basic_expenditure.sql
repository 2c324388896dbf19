with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

basic as (
    select * from {{ ref('stg_basic_expenditure') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        basic.document_id,
        basic.gov_econ_code,
        basic.dept_econ_code,
        basic.total,
        basic.personnel,
        basic.public_use,
        basic.source_line,
        basic.source_page
    from basic
    inner join documents on basic.document_id = documents.document_id
)

select * from final
