with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

services as (
    select * from {{ ref('stg_purchased_services') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        services.document_id,
        services.level1_code,
        services.level1_name,
        services.level2_code,
        services.level2_name,
        services.service_code,
        services.service_name,
        services.amount,
        services.source_line,
        services.source_page
    from services
    inner join documents on services.document_id = documents.document_id
)

select * from final
