/**
 * PNG plots of a training run, drawn headless (no display needed) and written atomically beside the model:
 * {@link org.transfer4j.plots.TrainingCurvesPlot} (loss and accuracy per epoch, train vs validation, with the
 * phase boundaries of a feature-extraction then fine-tuning run marked), {@link org.transfer4j.plots.LearningRatePlot}
 * (a schedule's rate per step, or the recorded rate per epoch), {@link org.transfer4j.plots.LrFinderPlot} (the LR
 * range test on a log axis with the suggested rate marked) and {@link org.transfer4j.plots.ConfusionMatrixPlot}.
 *
 * <p>The line charts are XChart's; the confusion matrix is drawn with Java2D (see its class comment for why).
 * Every plot is a {@link org.transfer4j.plots.Plot}: {@code new TrainingCurvesPlot(history).size(1200, 450)
 * .writeTo(dir)} writes {@code dir/training-curves.png} and returns its path. The plots live in the command line
 * module so that core stays free of a charting library.
 */
package org.transfer4j.plots;
