// recording_test.cpp
