-- What each department spent in the fiscal year (决算, phase executed), by function code at the
-- levels the document prints, in two fund scopes: all_funds (支出决算表, six spending columns)
-- and general_public_budget (一般公共预算财政拨款支出决算表: 合计, 基本支出, 项目支出). The
-- printed 合计 row is kept as level 'total': a 决算 rounds each figure on its own, so it can
-- differ from the sum of the category rows by a rounding step.

with documents as (
    select document_id, fiscal_year, department_name
    from {{ ref('int_final_accounts') }}
),

rows as (
    select
        document_id, 'all_funds' as fund_scope, function_code, function_name, line_type,
        total, basic, project,
        coalesce(remit_to_superior, 0) as remit_to_superior,
        coalesce(business_operation, 0) as business_operation,
        coalesce(subsidy_to_subordinate, 0) as subsidy_to_subordinate,
        source_line, source_page
    from {{ ref('stg_final_expenditure') }}
    union all
    select
        document_id, 'general_public_budget', function_code, function_name, line_type,
        total, basic, project, null, null, null, source_line, source_page
    from {{ ref('stg_final_general_budget_expenditure') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        rows.document_id,
        rows.fund_scope,
        case
            when rows.line_type = 'total' then 'total'
            when length(rows.function_code) = 3 then 'category'
            when length(rows.function_code) = 5 then 'subcategory'
            else 'item'
        end as level,
        coalesce(rows.function_code, '合计') as function_code,
        coalesce(rows.function_name, '合计') as function_name,
        'executed' as phase,
        coalesce(rows.total, 0) as total,
        coalesce(rows.basic, 0) as basic,
        coalesce(rows.project, 0) as project,
        rows.remit_to_superior,
        rows.business_operation,
        rows.subsidy_to_subordinate,
        rows.source_line,
        rows.source_page
    from rows
    inner join documents on rows.document_id = documents.document_id
)

select * from final
