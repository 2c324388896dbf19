-- The 合计 row each table prints, as printed: for Jiangsu, whose 支出预算总表 prints only
-- this row, the only place its 03 totals (基本支出, 项目支出, 单位预留机动经费) are kept.

with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

totals as (
    select * from {{ ref('stg_table_totals') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        totals.document_id,
        totals.table_no,
        totals.column_key,
        totals.amount,
        totals.source_line,
        totals.source_page
    from totals
    inner join documents on totals.document_id = documents.document_id
)

select * from final
