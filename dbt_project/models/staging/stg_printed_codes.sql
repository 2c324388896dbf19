with source as (
    select * from {{ source('accepted', 'printed_codes') }}
),

renamed as (
    select
        document_id,
        table_no,
        classification,
        code,
        name,
        source_line,
        source_page
    from source
)

select * from renamed
