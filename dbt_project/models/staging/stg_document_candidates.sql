with source as (
    select * from {{ source('raw', 'document_verdicts') }}
),

renamed as (
    select
        document_id,
        source_file,
        source_sha256,
        fiscal_year,
        department_name,
        amount_units,
        template,
        encoding,
        line_ending,
        line_total,
        tables_found,
        coalesce(document_kind, 'budget') as document_kind,
        -- read before scopes were recorded: every budget read then was a 部门预算
        coalesce(scope, 'department') as scope,
        parser_version,
        source_format,
        extractor,
        status,
        rejection_reasons,
        parsed_at
    from source
)

select * from renamed
