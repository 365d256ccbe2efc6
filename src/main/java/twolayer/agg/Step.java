package twolayer.agg;

import java.io.Serializable;
import twolayer.model.Weights;

/**
 * What the driver broadcasts for one iteration: the weights and, per partition, the local row
 * indices of that partition's share of the mini-batch (sorted; empty when it has none).
 */
public record Step(Weights weights, int[][] rows) implements Serializable {}
