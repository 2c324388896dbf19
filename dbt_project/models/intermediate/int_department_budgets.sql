-- The budgets the budget marts count: each department's own (部门预算). A unit's budget
-- (单位预算) is inside its department's, so it is listed in dim_document and joins no fact
-- (docs/architecture.md, "Department and unit budgets").

with documents as (
    select * from {{ ref('stg_documents') }}
)

select * from documents
where document_kind = 'budget' and scope = 'department'
