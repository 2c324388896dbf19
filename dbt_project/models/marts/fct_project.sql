-- 预算12表 项目支出绩效目标表: each project with its money and goal, and 预算14表's
-- transfer payment. Figures the reader had to infer or could not read are flagged.

with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

projects as (
    select * from {{ ref('stg_projects') }}
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        projects.document_id,
        projects.table_no,
        projects.project_code,
        projects.project_name,
        projects.total,
        projects.fiscal_funds,
        projects.other_funds,
        projects.total_text,
        projects.unit_detected,
        projects.goal,
        projects.source_line,
        projects.source_page,
        projects.flags
    from projects
    inner join documents on projects.document_id = documents.document_id
)

select * from final
