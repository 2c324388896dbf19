-- Published final accounts (决算), for the 决算 marts and budget execution.

with documents as (
    select * from {{ ref('stg_documents') }}
)

select * from documents
where document_kind = 'final_accounts'
