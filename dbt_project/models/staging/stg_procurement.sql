with source as (
    select * from {{ source('accepted', 'procurement') }}
),

renamed as (
    select
        document_id,
        category_code,
        category_name,
        amount,
        source_line,
        source_page
    from source
)

select * from renamed
