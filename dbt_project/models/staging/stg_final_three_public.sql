with source as (
    select * from {{ source('accepted', 'final_three_public') }}
),

renamed as (
    select
        document_id,
        item,
        approved,
        executed,
        source_line,
        source_page
    from source
)

select * from renamed
