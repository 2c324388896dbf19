with source as (
    select * from {{ source('accepted', 'documents') }}
),

renamed as (
    select
        document_id,
        source_file,
        source_sha256,
        fiscal_year,
        department_name,
        amount_units,
        -- read before templates were recorded: only Beijing's layout was read then
        coalesce(template, 'beijing') as template,
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
