with source as (
    select * from {{ source('accepted', 'expenditure') }}
),

renamed as (
    select
        document_id,
        function_code,
        function_name,
        gov_econ_code,
        gov_econ_name,
        dept_econ_code,
        dept_econ_name,
        total,
        basic,
        project,
        business_operation,
        remit_to_superior,
        subsidy_to_subordinate,
        source_line,
        source_page
    from source
)

select * from renamed
