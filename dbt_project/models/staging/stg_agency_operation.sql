with source as (
    select * from {{ source('accepted', 'agency_operation') }}
),

renamed as (
    select
        document_id,
        dept_econ_code,
        dept_econ_name,
        amount,
        source_line,
        source_page
    from source
)

select * from renamed
