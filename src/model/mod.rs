//! Model facts and the GPU memory planner.
