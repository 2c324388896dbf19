with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

procurement as (
    select * from {{ ref('stg_procurement') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        procurement.document_id,
        procurement.category_code,
        procurement.category_name,
        procurement.amount,
        procurement.source_line,
        procurement.source_page
    from procurement
    inner join documents on procurement.document_id = documents.document_id
)

select * from final
