with source as (
    select * from {{ source('accepted', 'appropriation_expenditure') }}
),

renamed as (
    select
        document_id,
        function_code,
        function_name,
        total,
        source_line,
        source_page
    from source
)

select * from renamed
