-- Every document the warehouse knows: the version whose figures are in the marts
-- (published) and, where the latest version of a file failed, that version (rejected); a PDF
-- holding only text is listed as a companion.

with published as (
    select * from {{ ref('stg_documents') }}
),

candidates as (
    select * from {{ ref('stg_document_candidates') }}
),

published_versions as (
    select
        document_id,
        fiscal_year,
        department_name,
        document_kind,
        scope,
        source_file,
        source_sha256,
        amount_units as amount_unit,
        template,
        encoding,
        line_ending,
        line_total,
        tables_found,
        source_format,
        extractor,
        'published' as status,
        accepted_at as loaded_at,
        0 as failed_checks,
        null::varchar as rejection_reasons
    from published
),

rejected_versions as (
    select
        candidates.document_id,
        candidates.fiscal_year,
        candidates.department_name,
        candidates.document_kind,
        candidates.scope,
        candidates.source_file,
        candidates.source_sha256,
        candidates.amount_units as amount_unit,
        candidates.template,
        candidates.encoding,
        candidates.line_ending,
        candidates.line_total,
        candidates.tables_found,
        candidates.source_format,
        candidates.extractor,
        'rejected' as status,
        candidates.parsed_at as loaded_at,
        len(candidates.rejection_reasons) as failed_checks,
        array_to_string(list_slice(candidates.rejection_reasons, 1, 5), ' | ')
            as rejection_reasons
    from candidates
    where candidates.status = 'rejected'
),

-- A PDF of text only, published beside the tables (Jiangsu's …文件): shown, never rejected.
companions as (
    select
        document_id,
        fiscal_year,
        department_name,
        document_kind,
        scope,
        source_file,
        source_sha256,
        amount_units as amount_unit,
        template,
        encoding,
        line_ending,
        line_total,
        tables_found,
        source_format,
        extractor,
        'companion' as status,
        parsed_at as loaded_at,
        0 as failed_checks,
        null::varchar as rejection_reasons
    from candidates
    where status = 'companion'
)

select * from published_versions
union all
select * from rejected_versions
union all
select * from companions
