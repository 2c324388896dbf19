-- 机关运行经费 (the general public budget's running costs of the offices) by economic code,
-- where the template prints a table of it (Jiangsu's 一般公共预算机关运行经费支出预算表).

with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

agency_operation as (
    select * from {{ ref('stg_agency_operation') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        agency_operation.document_id,
        agency_operation.dept_econ_code as econ_code,
        agency_operation.dept_econ_name as econ_name,
        agency_operation.amount,
        agency_operation.source_line,
        agency_operation.source_page
    from agency_operation
    inner join documents on agency_operation.document_id = documents.document_id
)

select * from final
