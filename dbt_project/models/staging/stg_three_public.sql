with source as (
    select * from {{ source('accepted', 'three_public') }}
),

renamed as (
    select
        document_id,
        total,
        outbound_travel,
        reception,
        vehicles_total,
        vehicle_purchase,
        vehicle_operation,
        agency_operation,
        meetings,
        training,
        grand_total,
        source_line,
        source_page
    from source
)

select * from renamed
