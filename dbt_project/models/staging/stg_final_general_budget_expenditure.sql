with source as (
    select * from {{ source('accepted', 'final_general_budget_expenditure') }}
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
        source_line,
        source_page
    from source
)

select * from renamed
