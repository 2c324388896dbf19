-- Table 12 projects with a code, per department and year (a code with several projects is
-- summed). A total the reader could not read is NULL, and so is the sum over it: an unknown
-- amount is never 0.

with years as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

projects as (
    select document_id, project_code, total
    from {{ ref('stg_projects') }}
    where table_no = '12' and project_code is not null
)

select
    years.department_key,
    years.fiscal_year,
    'project' as scope,
    'project' as classification,
    projects.project_code as code,
    case when count(*) = count(projects.total) then sum(projects.total) end as amount
from projects
inner join years on years.document_id = projects.document_id
group by all
