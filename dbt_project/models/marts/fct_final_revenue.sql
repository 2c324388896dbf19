-- What each department received in the fiscal year (决算 F02 收入决算表, phase executed), by
-- function code at the levels the document prints and by source. The printed 合计 row is kept
-- as level 'total': a 决算 rounds each figure on its own (see fct_final_expenditure).

with documents as (
    select document_id, fiscal_year, department_name
    from {{ ref('int_final_accounts') }}
),

revenue as (
    select * from {{ ref('stg_final_revenue') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        revenue.document_id,
        case
            when revenue.line_type = 'total' then 'total'
            when length(revenue.function_code) = 3 then 'category'
            when length(revenue.function_code) = 5 then 'subcategory'
            else 'item'
        end as level,
        coalesce(revenue.function_code, '合计') as function_code,
        coalesce(revenue.function_name, '合计') as function_name,
        'executed' as phase,
        coalesce(revenue.total, 0) as total,
        coalesce(revenue.fiscal_appropriation, 0) as fiscal_appropriation,
        coalesce(revenue.superior_subsidy, 0) as superior_subsidy,
        coalesce(revenue.institution_business, 0) as institution_business,
        coalesce(revenue.business_operation, 0) as business_operation,
        coalesce(revenue.subordinate_remittance, 0) as subordinate_remittance,
        coalesce(revenue.other, 0) as other,
        revenue.source_line,
        revenue.source_page
    from revenue
    inner join documents on revenue.document_id = documents.document_id
)

select * from final
