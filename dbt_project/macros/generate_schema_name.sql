{#- Use the configured schema names as they are (marts, staging), not prefixed with the
    target schema: BI users query marts.fct_expenditure. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
