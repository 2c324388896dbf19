-- Every performance indicator: of each project (12), of the department as a whole by
-- activity (13), and of each transfer payment (14).

with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

indicators as (
    select * from {{ ref('stg_performance_indicators') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        indicators.document_id,
        indicators.table_no,
        indicators.project_code,
        indicators.project_line,
        indicators.activity,
        indicators.level1,
        indicators.level2,
        indicators.level3,
        indicators.operator,
        indicators.target_text,
        indicators.target_value,
        indicators.unit,
        indicators.source_line,
        indicators.source_page,
        indicators.flags
    from indicators
    inner join documents on indicators.document_id = documents.document_id
)

select * from final
