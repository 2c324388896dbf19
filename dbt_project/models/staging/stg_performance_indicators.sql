with source as (
    select * from {{ source('accepted', 'performance_indicators') }}
),

renamed as (
    select
        document_id,
        table_no,
        activity,
        indicator,
        operator,
        target_text,
        unit,
        source_line
    from source
)

select * from renamed
