with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

by_function as (
    select * from {{ ref('int_general_budget_by_function') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        by_function.document_id,
        by_function.function_code,
        by_function.total,
        by_function.basic,
        by_function.personnel,
        by_function.public_use,
        by_function.project,
        by_function.project_excl_capital,
        by_function.unit_rows,
        by_function.first_source_line,
        by_function.first_source_page
    from by_function
    inner join documents on by_function.document_id = documents.document_id
)

select * from final
