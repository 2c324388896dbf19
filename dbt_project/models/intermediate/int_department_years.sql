-- One row per published document: its department's key and the year it is compared with
-- (the department's latest earlier published year; NULL in its first year).

with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

keys as (
    select * from {{ ref('int_department_keys') }}
),

keyed as (
    select
        documents.document_id,
        documents.fiscal_year,
        documents.department_name,
        keys.department_key
    from documents
    inner join keys on keys.department_name = documents.department_name
)

select
    *,
    lag(fiscal_year) over (partition by department_key order by fiscal_year)
        as prior_fiscal_year
from keyed
