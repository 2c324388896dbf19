with source as (
    select * from {{ source('accepted', 'final_expenditure') }}
),

renamed as (
    select
        document_id,
        function_code,
        function_name,
        line_type,
        total,
        basic,
        project,
        remit_to_superior,
        business_operation,
        subsidy_to_subordinate,
        source_line,
        source_page
    from source
)

select * from renamed
