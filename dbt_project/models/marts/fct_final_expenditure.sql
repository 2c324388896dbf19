-- 决算 F03 支出决算表 as printed: what each department spent in the fiscal year, by function
-- code at the levels the document prints, with the six spending columns.

with documents as (
    select document_id, fiscal_year, department_name
    from {{ ref('stg_final_account_documents') }}
),

rows as (
    select * from {{ ref('stg_final_expenditure') }} where line_type = 'item'
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        rows.document_id,
        rows.function_code,
        case length(rows.function_code)
            when 3 then 'category' when 5 then 'subcategory' else 'item'
        end as level,
        rows.function_name,
        'executed' as phase,
        coalesce(rows.total, 0) as total,
        coalesce(rows.basic, 0) as basic,
        coalesce(rows.project, 0) as project,
        coalesce(rows.remit_to_superior, 0) as remit_to_superior,
        coalesce(rows.business_operation, 0) as business_operation,
        coalesce(rows.subsidy_to_subordinate, 0) as subsidy_to_subordinate,
        rows.source_line,
        rows.source_page
    from rows
    inner join documents on rows.document_id = documents.document_id
)

select * from final
