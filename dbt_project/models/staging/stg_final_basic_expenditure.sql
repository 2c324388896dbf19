with source as (
    select * from {{ source('accepted', 'final_basic_expenditure') }}
),

renamed as (
    select
        document_id,
        econ_code,
        econ_name,
        line_type,
        amount,
        source_line,
        source_page
    from source
)

select * from renamed
