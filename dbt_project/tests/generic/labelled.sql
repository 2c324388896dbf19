{#- Every row has a label in each of these columns: a code the label macros
    (macros/chinese_labels.sql) do not know would show as NULL. Chinese column names make dbt's
    generated test names collide, so each use names itself. -#}
{% test labelled(model, columns) %}
select * from {{ model }}
where {% for column in columns -%}
    {{ adapter.quote(column) }} is null{% if not loop.last %} or {% endif %}
{%- endfor %}
{% endtest %}
