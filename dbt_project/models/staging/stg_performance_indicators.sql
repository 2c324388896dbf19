with source as (
    select * from {{ source('accepted', 'performance_indicators') }}
),

renamed as (
    select
        document_id,
        table_no,
        project_line,
        project_code,
        activity,
        level1,
        level2,
        level3,
        operator,
        target_text,
        target_value,
        unit,
        source_line,
        source_page,
        flags
    from source
)

select * from renamed
