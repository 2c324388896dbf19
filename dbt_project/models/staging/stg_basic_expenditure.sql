with source as (
    select * from {{ source('accepted', 'basic_expenditure') }}
),

renamed as (
    select
        document_id,
        gov_econ_code,
        gov_econ_name,
        dept_econ_code,
        dept_econ_name,
        total,
        personnel,
        public_use,
        source_line,
        source_page
    from source
)

select * from renamed
