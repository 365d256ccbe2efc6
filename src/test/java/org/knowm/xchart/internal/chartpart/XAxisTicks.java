package org.knowm.xchart.internal.chartpart;

import java.util.ArrayList;
import java.util.List;

/** Test access to where a painted chart put its x-axis labels (XChart keeps the axis package-private). */
public final class XAxisTicks {
  private XAxisTicks() {}

  /** A label and its position along the axis, in pixels from its left end. */
  public record Tick(String label, double at) {}

  /** The labels on the axis, left to right (XChart also computes some beyond its ends, which it does not draw). */
  public static List<Tick> of(Chart<?, ?> painted) {
    Axis<?, ?> x = painted.getXAxis();
    List<String> labels = x.getAxisTickCalculator().getTickLabels();
    List<Double> at = x.getAxisTickCalculator().getTickLocations();
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      if (at.get(i) >= 0 && at.get(i) <= x.getBounds().getWidth()) {
        ticks.add(new Tick(labels.get(i), at.get(i)));
      }
    }
    return ticks;
  }
}
