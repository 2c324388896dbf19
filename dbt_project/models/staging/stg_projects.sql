with source as (
    select * from {{ source('accepted', 'projects') }}
),

renamed as (
    select
        document_id,
        table_no,
        project_code,
        project_name,
        total,
        fiscal_funds,
        other_funds,
        total_text,
        unit_detected,
        goal,
        source_line,
        source_page,
        flags
    from source
)

select * from renamed
