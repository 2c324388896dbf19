with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

revenue_lines as (
    select * from {{ ref('int_revenue_lines') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        revenue_lines.document_id,
        revenue_lines.table_no,
        revenue_lines.fund_group,
        revenue_lines.revenue_source,
        revenue_lines.part_of,
        revenue_lines.revenue_name,
        revenue_lines.amount,
        revenue_lines.source_line,
        revenue_lines.source_page
    from revenue_lines
    inner join documents on revenue_lines.document_id = documents.document_id
)

select * from final
