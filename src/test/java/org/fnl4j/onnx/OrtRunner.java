package org.fnl4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/** Runs ONNX bytes in ONNX Runtime (Java) on one input: the verifying runtime of the ONNX tests. */
public final class OrtRunner {
    private OrtRunner() {}

    /** @return the single output, flattened, for a float32 input (N, example...). */
    public static float[] runFloat(byte[] model, String input, float[] x, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model, o);
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OrtSession.Result r = s.run(Map.of(input, t))) {
            return flatten((OnnxTensor) r.get(0));
        }
    }

    /** @return the single output, flattened, for an int64 input (N, T). */
    public static float[] runLong(byte[] model, String input, long[] x, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model, o);
             OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(x), shape);
             OrtSession.Result r = s.run(Map.of(input, t))) {
            return flatten((OnnxTensor) r.get(0));
        }
    }

    private static float[] flatten(OnnxTensor t) {
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }
}
