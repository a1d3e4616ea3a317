package dev.quire.attention.flash;

import java.lang.reflect.Method;

/**
 * Heap bytes allocated so far by all threads (the tensor engine's pool threads included, and threads
 * that ended meanwhile), through {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes},
 * looked up reflectively so that this module need not read {@code jdk.management}. The same meter as
 * the runtime's {@code quire bench attention} ({@code dev.quire.runtime.bench.AttentionBenchmark}).
 */
final class AllocationMeter {
    private final Object bean;
    private final Method total;

    private AllocationMeter(Object bean, Method total) {
        this.bean = bean;
        this.total = total;
    }

    static AllocationMeter create() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> sun = Class.forName("com.sun.management.ThreadMXBean");
            if (!sun.isInstance(bean) || !(Boolean) sun.getMethod("isThreadAllocatedMemorySupported").invoke(bean)) {
                return new AllocationMeter(null, null);
            }
            if (!(Boolean) sun.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean)) {
                sun.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(bean, true);
            }
            Method total = sun.getMethod("getTotalThreadAllocatedBytes");
            return (Long) total.invoke(bean) < 0 ? new AllocationMeter(null, null) : new AllocationMeter(bean, total);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new AllocationMeter(null, null);
        }
    }

    boolean available() {
        return bean != null;
    }

    long bytes() {
        if (bean == null) {
            return 0;
        }
        try {
            return (Long) total.invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
