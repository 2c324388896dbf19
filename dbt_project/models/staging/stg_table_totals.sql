with source as (
    select * from {{ source('accepted', 'table_totals') }}
),

renamed as (
    select
        document_id,
        table_no,
        column_key,
        amount,
        source_line,
        source_page
    from source
)

select * from renamed
