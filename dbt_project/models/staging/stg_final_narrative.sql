with source as (
    select * from {{ source('accepted', 'final_narrative') }}
),

renamed as (
    select
        document_id,
        subject,
        function_code,
        function_name,
        baseline,
        budget,
        budget_printed,
        actual,
        actual_printed,
        stated_rate,
        stated_rate_printed,
        sentence,
        source_line,
        source_page
    from source
)

select * from renamed
