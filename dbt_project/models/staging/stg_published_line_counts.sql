with source as (
    select * from {{ source('accepted', 'line_counts') }}
),

renamed as (
    select
        document_id,
        table_no,
        line_kind,
        lines
    from source
)

select * from renamed
