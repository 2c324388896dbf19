with source as (
    select * from {{ source('accepted', 'revenue') }}
),

renamed as (
    select
        document_id,
        fund_group,
        revenue_source,
        part_of,
        label,
        amount,
        source_line,
        source_page
    from source
)

select * from renamed
