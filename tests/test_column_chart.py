"""The column chart (the overdue trend) keeps its labels readable at national scale: the value axis's labels fit
left of the plot, and values too wide for their columns are written smaller rather than run into each other."""

from tracker.charts import CHAR_WIDTH, ColumnPoint, column_chart


def points(*values: int) -> list[ColumnPoint]:
    return [ColumnPoint(f"M{index}", value, None) for index, value in enumerate(values)]


def test_four_digit_axis_labels_fit_left_of_the_plot_and_crowded_values_are_compact():
    chart = column_chart(points(1017, 1040, 1001, 984, 964, 975, 956, 1042, 2101, 3249, 4382, 5617, 5904))
    widest = max(len(tick.label) for tick in chart.ticks)
    assert widest == 4  # "6000"
    assert chart.left - 6 >= widest * CHAR_WIDTH
    assert chart.compact_values
    assert all(column.x >= chart.left for column in chart.columns)


def test_small_figures_keep_the_usual_margin_and_size():
    chart = column_chart(points(3, 5, 0, 12))
    assert chart.left == 30
    assert not chart.compact_values
