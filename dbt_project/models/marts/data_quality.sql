-- Every check run on the latest version of every document: parse problems, format
-- expectations and reconciliation identities, passed or failed, with the place each failure
-- was found. A document missing from the facts is explained here.

with results as (
    select * from {{ ref('stg_check_results') }}
),

documents as (
    select document_id, source_sha256, fiscal_year, department_name, status
    from {{ ref('stg_document_candidates') }}
),

final as (
    select
        results.document_id,
        documents.fiscal_year,
        documents.department_name,
        documents.status as document_status,
        results.check_name,
        results.identity,
        results.table_no,
        results.source_line,
        results.success,
        case
            when results.success then 'passed'
            when results.rejects then 'rejected'
            else 'warning'
        end as outcome,
        results.expected,
        results.observed,
        results.difference,
        results.allowance,
        results.message,
        results.checked_at
    from results
    inner join documents
        on
            results.document_id = documents.document_id
            and results.source_sha256 = documents.source_sha256
    -- the gate's record that it checked a version is bookkeeping, not a check
    where results.check_name != 'gate'
)

select * from final
