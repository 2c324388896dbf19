-- 财政拨款 (the general public budget and government funds together) by function code, where the
-- template prints a table of it (Jiangsu's 财政拨款支出预算表（功能科目）).

with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

appropriation as (
    select * from {{ ref('stg_appropriation_expenditure') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        appropriation.document_id,
        appropriation.function_code,
        appropriation.function_name,
        appropriation.total,
        appropriation.source_line,
        appropriation.source_page
    from appropriation
    inner join documents on appropriation.document_id = documents.document_id
)

select * from final
