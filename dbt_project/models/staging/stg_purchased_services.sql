with source as (
    select * from {{ source('accepted', 'purchased_services') }}
),

renamed as (
    select
        document_id,
        level1_code,
        level1_name,
        level2_code,
        level2_name,
        service_code,
        service_name,
        amount,
        source_line,
        source_page
    from source
)

select * from renamed
