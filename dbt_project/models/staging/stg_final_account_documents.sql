-- Published final accounts (决算): one per department and the fiscal year they account for.

with source as (
    select * from {{ source('accepted', 'documents') }}
    where document_kind = 'final_accounts'
),

renamed as (
    select
        document_id,
        source_file,
        source_sha256,
        fiscal_year,
        department_name,
        coalesce(scope, 'department') as scope,
        amount_units,
        encoding,
        line_ending,
        line_total,
        tables_found,
        parser_version,
        source_format,
        extractor,
        parsed_at,
        accepted_at
    from source
)

select * from renamed
