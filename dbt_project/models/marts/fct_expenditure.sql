with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

expenditure as (
    select * from {{ ref('stg_expenditure') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        expenditure.document_id,
        expenditure.function_code,
        expenditure.gov_econ_code,
        expenditure.dept_econ_code,
        expenditure.total,
        expenditure.basic,
        expenditure.project,
        expenditure.business_operation,
        expenditure.remit_to_superior,
        expenditure.subsidy_to_subordinate,
        expenditure.source_line,
        expenditure.source_page
    from expenditure
    inner join documents on expenditure.document_id = documents.document_id
)

select * from final
